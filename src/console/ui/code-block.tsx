// A block of code or JSON. Long lines scroll sideways, so the block is focusable and labelled:
// keyboard users can scroll it (WCAG 2.1.1; axe's scrollable-region-focusable).
export function CodeBlock({ label, isWrapped = false, children }: { label: string; isWrapped?: boolean; children: string }) {
  return (
    <pre className={isWrapped ? 'code-block wrap' : 'code-block'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </pre>
  );
}
