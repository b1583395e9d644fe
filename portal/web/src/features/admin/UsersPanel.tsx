import { CreateUserRequest, type User, UserRole } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { DataTable } from "../../components/DataTable.js";
import { SelectField, TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { QueryView } from "../../components/QueryView.js";
import { ApiError } from "../../lib/api-error.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { formatDateTime } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { addUser, changeUser, removeUser, useUsers } from "./api.js";

const ROLE_OPTIONS = UserRole.options.map((role) => ({ value: role, label: role }));

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [draft, setDraft] = useState({ email: "", password: "", role: "member" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation(addUser);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(CreateUserRequest, draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (await mutation.run(checked.data)) {
      setDraft({ email: "", password: "", role: "member" });
      onCreated();
    }
  };
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="New user">
      <MutationError state={mutation.state} />
      {mutation.state.status === "success" ? (
        <Notice>
          User {mutation.state.result.user.email} created. Give them their password over a safe channel.
        </Notice>
      ) : null}
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="off"
        value={draft.email}
        onChange={(event) => setDraft({ ...draft, email: event.target.value })}
        error={errors.email}
      />
      <TextField
        label="Initial password"
        type="password"
        name="password"
        autoComplete="new-password"
        value={draft.password}
        onChange={(event) => setDraft({ ...draft, password: event.target.value })}
        hint="At least 12 characters."
        error={errors.password}
      />
      <SelectField
        label="Role"
        name="role"
        value={draft.role}
        onChange={(event) => setDraft({ ...draft, role: event.target.value })}
        options={ROLE_OPTIONS}
        error={errors.role}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
          Create user
        </Button>
      </div>
    </form>
  );
}

/** A change that waits for the admin's confirmation. */
type Pending = { kind: "role"; user: User; role: UserRole } | { kind: "delete"; user: User };

const roleName = (role: UserRole) => (role === "admin" ? "an admin" : "a member");

/** Names the databases a refused deletion listed (details.databases). */
function blockingDatabases(error: unknown): string[] {
  const names = error instanceof ApiError ? error.details?.databases : undefined;
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === "string") : [];
}

function UserRow({
  user,
  onAsk,
  onChanged,
}: {
  user: User;
  onAsk: (pending: Pending) => void;
  onChanged: (message: string) => void;
}) {
  const toggle = useMutation(() => changeUser(user.id, { disabled: !user.disabled }));
  return (
    <tr>
      <td>
        {user.email}
        <MutationError state={toggle.state} />
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.email}
        </label>
        <select
          id={`role-${user.id}`}
          className="table-select"
          value={user.role}
          disabled={toggle.state.status === "running"}
          onChange={(event) => onAsk({ kind: "role", user, role: UserRole.parse(event.target.value) })}
        >
          {ROLE_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </td>
      <td>
        <Badge tone={user.disabled ? "muted" : "ok"}>{user.disabled ? "disabled" : "active"}</Badge>
      </td>
      <td className="nowrap">{formatDateTime(user.createdAt)}</td>
      <td>
        <div className="actions-cell">
          <Button
            className="button-small"
            busy={toggle.state.status === "running"}
            onClick={async () => {
              if (await toggle.run(undefined)) {
                onChanged(
                  user.disabled
                    ? `${user.email} is enabled again and can sign in.`
                    : `${user.email} is disabled: their sessions have ended and their API tokens are refused.`,
                );
              }
            }}
          >
            {user.disabled ? "Enable" : "Disable"}
          </Button>
          {user.disabled ? (
            <Button variant="danger" className="button-small" onClick={() => onAsk({ kind: "delete", user })}>
              Delete
            </Button>
          ) : null}
        </div>
      </td>
    </tr>
  );
}

/** Applies a confirmed role change or deletion; the dialog shows a refusal and stays open. */
function PendingDialog({
  pending,
  onCancel,
  onDone,
}: {
  pending: Pending;
  onCancel: () => void;
  onDone: (message: string) => void;
}) {
  const mutation = useMutation(async () => {
    if (pending.kind === "role") await changeUser(pending.user.id, { role: pending.role });
    else await removeUser(pending.user.id);
  });
  const error = mutation.state.status === "error" ? mutation.state.error : undefined;
  const confirm = async () => {
    if (!(await mutation.run(undefined))) return;
    onDone(
      pending.kind === "role"
        ? `${pending.user.email} is now ${roleName(pending.role)}.`
        : `${pending.user.email} was deleted.`,
    );
  };
  const blocking = blockingDatabases(error);
  return pending.kind === "role" ? (
    <ConfirmDialog
      open
      title={`Make ${pending.user.email} ${roleName(pending.role)}?`}
      confirmLabel={pending.role === "admin" ? "Make admin" : "Make member"}
      tone={pending.role === "admin" ? "danger" : "primary"}
      busy={mutation.state.status === "running"}
      error={error}
      onCancel={onCancel}
      onConfirm={confirm}
    >
      <p>
        {pending.role === "admin"
          ? "Admins manage pairs, users and settings, see every database and read the audit log."
          : "Members see only their own databases and those they were granted. The last enabled admin cannot be demoted."}
      </p>
    </ConfirmDialog>
  ) : (
    <ConfirmDialog
      open
      title={`Delete ${pending.user.email}?`}
      confirmLabel="Delete user"
      typeToConfirm={pending.user.email}
      busy={mutation.state.status === "running"}
      error={error}
      onCancel={onCancel}
      onConfirm={confirm}
    >
      <p>
        Their API tokens and pending access requests are deleted with them. It is refused while they own live
        databases or hold access grants: delete or revoke those first. The audit log keeps their entries,
        shown as “deleted user”.
      </p>
      {blocking.length > 0 ? <p>Still in the way: {blocking.join(", ")}.</p> : null}
    </ConfirmDialog>
  );
}

export function UsersPanel() {
  const query = useUsers();
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const changed = (message: string) => {
    setPending(null);
    setNotice(message);
    query.reload();
  };
  return (
    <>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        {notice ? <Notice>{notice}</Notice> : null}
        <QueryView query={query} loadingLabel="Loading users…">
          {({ users }) => (
            <DataTable caption="Users" columns={["Email", "Role", "State", "Created", "Actions"]}>
              {users.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  onAsk={(next) => {
                    setNotice(null);
                    setPending(next);
                  }}
                  onChanged={changed}
                />
              ))}
            </DataTable>
          )}
        </QueryView>
      </section>
      {pending ? (
        // Keyed so a second change starts with a fresh dialog state.
        <PendingDialog
          key={`${pending.kind}-${pending.user.id}`}
          pending={pending}
          onCancel={() => setPending(null)}
          onDone={changed}
        />
      ) : null}
      <section className="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <NewUserForm onCreated={query.reload} />
      </section>
    </>
  );
}
