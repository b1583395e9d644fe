import { CreateUserRequest, type User, UserRole } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { DataTable } from "../../components/DataTable.js";
import { SelectField, TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { QueryView } from "../../components/QueryView.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { formatDateTime } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { addUser, changeUser, useUsers } from "./api.js";

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

function UserRow({ user, onChanged }: { user: User; onChanged: () => void }) {
  const mutation = useMutation((body: Parameters<typeof changeUser>[1]) => changeUser(user.id, body));
  const change = async (body: Parameters<typeof changeUser>[1]) => {
    if (await mutation.run(body)) onChanged();
  };
  return (
    <tr>
      <td>
        {user.email}
        <MutationError state={mutation.state} />
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.email}
        </label>
        <select
          id={`role-${user.id}`}
          className="table-select"
          value={user.role}
          disabled={mutation.state.status === "running"}
          onChange={(event) => void change({ role: UserRole.parse(event.target.value) })}
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
        <Button
          className="button-small"
          busy={mutation.state.status === "running"}
          onClick={() => void change({ disabled: !user.disabled })}
        >
          {user.disabled ? "Enable" : "Disable"}
        </Button>
      </td>
    </tr>
  );
}

export function UsersPanel() {
  const query = useUsers();
  return (
    <>
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        <QueryView query={query} loadingLabel="Loading users…">
          {({ users }) => (
            <DataTable caption="Users" columns={["Email", "Role", "State", "Created", "Actions"]}>
              {users.map((user) => (
                <UserRow key={user.id} user={user} onChanged={query.reload} />
              ))}
            </DataTable>
          )}
        </QueryView>
      </section>
      <section className="card" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <NewUserForm onCreated={query.reload} />
      </section>
    </>
  );
}
