import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

// Async results are announced (issue 4 §9): a visually hidden polite live region for screen
// readers, plus visible toasts that also sit in a live region. Both live here so there is one
// place that speaks.

export type ToastTone = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

interface Announcer {
  /** Speaks `message` to screen readers without showing anything. */
  announce: (message: string) => void;
  /** Shows a toast (which is announced too). */
  toast: (message: string, tone?: ToastTone) => void;
}

const AnnouncerContext = createContext<Announcer | null>(null);

export function useAnnouncer(): Announcer {
  const value = useContext(AnnouncerContext);
  if (!value) throw new Error('useAnnouncer must be used inside <AnnouncerProvider>.');
  return value;
}

const TOAST_MS = 6000;

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState('');
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const announce = useCallback((text: string) => {
    // Clear first so the same text twice ("Copied", "Copied") is spoken twice.
    setMessage('');
    window.setTimeout(() => setMessage(text), 50);
  }, []);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);

  const toast = useCallback(
    (text: string, tone: ToastTone = 'success') => {
      const id = nextId.current++;
      setToasts((all) => [...all, { id, message: text, tone }]);
      window.setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );

  const value = useMemo(() => ({ announce, toast }), [announce, toast]);
  return (
    <AnnouncerContext.Provider value={value}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
        {message}
      </div>
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`}>
            <span>{t.message}</span>
            <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismiss(t.id)}>
              <span aria-hidden="true">×</span>
            </button>
          </div>
        ))}
      </div>
    </AnnouncerContext.Provider>
  );
}
