// A modal confirmation on the native <dialog> (focus trap, Escape to cancel, backdrop for free).
// With `typeToConfirm`, the confirm button stays disabled until that exact text is typed.
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { Button } from "./Button.js";
import { ErrorAlert } from "./ErrorAlert.js";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  typeToConfirm?: string;
  busy?: boolean;
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = "danger",
  typeToConfirm,
  busy = false,
  error,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState("");
  const id = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setTyped("");
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const confirmed = typeToConfirm === undefined || typed === typeToConfirm;
  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault();
          if (confirmed && !busy) onConfirm();
        }}
      >
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="dialog-body">{children}</div>
        {typeToConfirm !== undefined ? (
          <div className="field">
            <label htmlFor={`${id}-confirm`}>
              Type <strong>{typeToConfirm}</strong> to confirm
            </label>
            <input
              id={`${id}-confirm`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <div className="dialog-actions">
          <Button onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant={tone} busy={busy} disabled={!confirmed}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  );
}
