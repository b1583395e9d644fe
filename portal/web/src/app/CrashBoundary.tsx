// Last line of defence: a bug while rendering shows a way out instead of a blank page.
import { Component, type ReactNode } from "react";

export class CrashBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <main>
        <div className="alert alert-error" role="alert">
          <p className="alert-title">This page failed to display.</p>
          <p className="alert-detail">{this.state.error.message}</p>
        </div>
        <button type="button" className="button button-secondary" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </main>
    );
  }
}
