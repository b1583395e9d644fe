// jsdom has HTMLDialogElement but none of its behaviour. This gives it the parts of the HTML
// standard the portal relies on, so dialogs are tested as a browser runs them:
// - showModal() opens the dialog and focuses its first focusable descendant (the dialog focusing steps);
// - close() hides it, fires `close` and gives focus back to what had it before;
// - Escape on an open modal dialog fires a cancelable `cancel` and closes it unless cancelled.

const FOCUSABLE =
  "input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), a[href], [tabindex]";

const openedFrom = new WeakMap<HTMLDialogElement, Element | null>();
const modals: HTMLDialogElement[] = [];

function showModal(this: HTMLDialogElement): void {
  if (this.open) return;
  openedFrom.set(this, document.activeElement);
  this.setAttribute("open", "");
  modals.push(this);
  const target = this.querySelector<HTMLElement>("[autofocus]") ?? this.querySelector<HTMLElement>(FOCUSABLE);
  target?.focus();
}

function close(this: HTMLDialogElement, returnValue?: string): void {
  if (!this.open) return;
  this.removeAttribute("open");
  if (returnValue !== undefined) this.returnValue = returnValue;
  modals.splice(modals.indexOf(this), 1);
  this.dispatchEvent(new Event("close"));
  // A task later: close() is called from a React effect, and a focus event in the middle of
  // that commit makes React flush the page's pending updates outside the test's act().
  const previous = openedFrom.get(this);
  setTimeout(() => {
    if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
  });
}

function onEscape(event: KeyboardEvent): void {
  const top = modals.at(-1);
  if (event.key !== "Escape" || event.defaultPrevented || !top) return;
  const cancel = new Event("cancel", { cancelable: true });
  if (top.dispatchEvent(cancel)) top.close();
}

export function installDialogBehaviour(): void {
  HTMLDialogElement.prototype.showModal = showModal;
  HTMLDialogElement.prototype.close = close;
  document.addEventListener("keydown", onEscape);
}

/** Forgets dialogs of a finished test (their DOM is gone). */
export function resetDialogs(): void {
  modals.length = 0;
}
