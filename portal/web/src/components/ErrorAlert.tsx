import { ApiError } from "../lib/api-error.js";
import { describeApiError, inputIssues, serverDetail } from "../lib/error-messages.js";
import { Link } from "../lib/router.js";

/** A failed call, in words: the sentence for its code, the server's detail and the request id. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const detail = serverDetail(error);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  const signedOut = error instanceof ApiError && error.status === 401;
  const issues = inputIssues(error);
  return (
    <div className="alert alert-error" role="alert">
      {title ? <p className="alert-title">{title}</p> : null}
      <p>{describeApiError(error)}</p>
      {detail ? <p className="alert-detail">Server said: {detail}</p> : null}
      {issues.length > 0 ? (
        <ul className="alert-detail">
          {issues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      ) : null}
      {requestId ? <p className="alert-detail">Request id: {requestId}</p> : null}
      {signedOut ? <Link to="/login">Sign in</Link> : null}
    </div>
  );
}
