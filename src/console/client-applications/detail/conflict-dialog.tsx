import type { RefObject } from 'react';
import { Dialog } from '../../ui/dialog.tsx';

export function ConflictDialog({
  onReload,
  onKeepEditing,
  returnFocusRef,
}: {
  onReload: () => void;
  onKeepEditing: () => void;
  returnFocusRef?: RefObject<HTMLElement | null>;
}) {
  return (
    <Dialog
      title="Someone else changed this client"
      role="alertdialog"
      onClose={onKeepEditing}
      returnFocusRef={returnFocusRef}
      description={
        <p>
          It was saved by someone else after you opened it, so your changes were not saved. Reload their version (your edits are
          discarded), or keep editing and copy what you need first.
        </p>
      }
    >
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onKeepEditing}>
          Keep editing
        </button>
        <button type="button" className="button button-primary" onClick={onReload}>
          Reload their version
        </button>
      </div>
    </Dialog>
  );
}
