import { useEffect, useId, useLayoutEffect, useRef, type ReactNode, type RefObject } from 'react';

// A modal dialog on the native <dialog> element: showModal() gives the focus trap, the inert
// background and Escape for free. Mount it to open it, unmount it to close it. Focus goes back
// to the element that had it when the dialog opened (the trigger), or to `returnFocusRef` when
// that element is gone (issue 4 §9).

export interface DialogProps {
  title: string;
  /** Called for Escape and the close button; omit while the dialog must not be dismissed. */
  onClose?: () => void;
  children: ReactNode;
  description?: ReactNode;
  role?: 'dialog' | 'alertdialog';
  returnFocusRef?: RefObject<HTMLElement | null>;
  size?: 'small' | 'large';
}

export function Dialog({ title, onClose, children, description, role = 'dialog', returnFocusRef, size = 'small' }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(onClose);

  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const active = document.activeElement;
    const trigger = active instanceof HTMLElement && active !== document.body ? active : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // Read at close time on purpose: the fallback may have rendered after the dialog opened.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      const target = trigger?.isConnected ? trigger : returnFocusRef?.current;
      // After React has finished the commit that unmounted us.
      queueMicrotask(() => target?.focus());
    };
  }, [returnFocusRef]);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const handleCancel = (event: Event) => {
      // Escape: never let the browser close it behind React's back.
      event.preventDefault();
      onCloseRef.current?.();
    };
    dialog.addEventListener('cancel', handleCancel);
    return () => dialog.removeEventListener('cancel', handleCancel);
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      aria-modal="true"
    >
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        {onClose && (
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            <span aria-hidden="true">×</span>
          </button>
        )}
      </div>
      {description && (
        <div id={descriptionId} className="dialog-description">
          {description}
        </div>
      )}
      {children}
    </dialog>
  );
}
