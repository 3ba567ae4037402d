import { allowLeavingWithUnsavedChanges } from '../app/unsaved-changes.ts';
import { Dialog } from '../ui/dialog.tsx';

// Shown only when the session ended while a form holds unsaved edits (otherwise the layout
// re-signs in at once): signing in reloads the page, so the admin decides, warned.

export function SessionExpiredDialog({ onSignIn }: { onSignIn: () => void }) {
  return (
    <Dialog
      title="Your session has ended"
      role="alertdialog"
      description={
        <p>
          Sign in again to keep working. You have unsaved changes on this page: signing in reloads it and they will be
          lost, so copy anything you need first.
        </p>
      }
    >
      <div className="dialog-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            allowLeavingWithUnsavedChanges();
            onSignIn();
          }}
        >
          Sign in again
        </button>
      </div>
    </Dialog>
  );
}
