// Connection pooling for one database: PgBouncer (transaction mode) on the pair's endpoint, its own
// port. Switching it reloads PgBouncer on both nodes; clients already connected stay connected.
import type { Database } from "@pgaas/api";
import { Button } from "../../components/Button.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { useMutation } from "../../lib/use-query.js";
import { update } from "./api.js";

export function PoolingSwitch({ database, onSaved }: { database: Database; onSaved: () => void }) {
  const mutation = useMutation((pooling: boolean) => update(database.id, { pooling }));
  if (database.poolerPort === null) {
    return <p className="muted">This pair runs no connection pooler.</p>;
  }
  const next = !database.pooling;
  return (
    <>
      <p>
        {database.pooling
          ? `Pooled: PgBouncer in transaction mode on port ${database.poolerPort} of the endpoint. Session state (SET, prepared statements, advisory locks) does not outlive a transaction there.`
          : "Not pooled: only the direct endpoint serves it."}
      </p>
      <MutationError state={mutation.state} fields={["pooling"]} />
      {mutation.state.status === "success" ? (
        <Notice>Both nodes reload PgBouncer within a few seconds; connected clients stay.</Notice>
      ) : null}
      <Button
        busy={mutation.state.status === "running"}
        onClick={async () => {
          if (await mutation.run(next)) onSaved();
        }}
      >
        {next ? "Enable pooling" : "Disable pooling"}
      </Button>
    </>
  );
}
