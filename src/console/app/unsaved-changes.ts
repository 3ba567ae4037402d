import { useEffect, useSyncExternalStore } from 'react';

// Which forms on the page hold unsaved edits. The form reports; the session guard reads it to
// decide between re-signing in at once and warning first (issue 4 §2: never lose a half-filled
// form silently). Module state is enough: there is one console per page.

const dirtyForms = new Set<string>();
const listeners = new Set<() => void>();
let isLeavingOnPurpose = false;

function emit() {
  for (const listener of listeners) listener();
}

export function setFormDirty(key: string, isDirty: boolean): void {
  const had = dirtyForms.has(key);
  if (isDirty) dirtyForms.add(key);
  else dirtyForms.delete(key);
  if (had !== isDirty) emit();
}

export function hasUnsavedChanges(): boolean {
  return dirtyForms.size > 0;
}

/** Call right before a navigation the admin has confirmed, so `beforeunload` does not ask again. */
export function allowLeavingWithUnsavedChanges(): void {
  isLeavingOnPurpose = true;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function useHasUnsavedChanges(): boolean {
  return useSyncExternalStore(subscribe, hasUnsavedChanges, () => false);
}

/** Registers a form's dirty state and asks the browser to confirm before unloading the page. */
export function useUnsavedChangesRegistration(key: string, isDirty: boolean): void {
  useEffect(() => {
    setFormDirty(key, isDirty);
    return () => setFormDirty(key, false);
  }, [key, isDirty]);

  useEffect(() => {
    if (!isDirty) return;
    const handleBeforeUnload = (event: BeforeUnloadEvent) => {
      if (isLeavingOnPurpose) return;
      event.preventDefault();
      // Older browsers need returnValue set; the text itself is never shown.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', handleBeforeUnload);
    return () => window.removeEventListener('beforeunload', handleBeforeUnload);
  }, [isDirty]);
}
