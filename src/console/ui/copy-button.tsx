import { useEffect, useState } from 'react';
import { useAnnouncer } from './announcer.tsx';

// Copies text and says so, visibly and to screen readers ("Copied").

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission (or an insecure context): the old way still works in most browsers.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function CopyButton({ text, label = 'Copy', className = 'button' }: { text: string; label?: string; className?: string }) {
  const { announce } = useAnnouncer();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);

  const handleClick = async () => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    announce(ok ? 'Copied' : 'Copy failed: select the text and copy it yourself');
  };

  return (
    <button type="button" className={className} onClick={() => void handleClick()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}
