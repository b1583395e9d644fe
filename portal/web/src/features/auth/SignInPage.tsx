import { LoginRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { TextField } from "../../components/fields.js";
import { Logo } from "../../components/Logo.js";
import { MutationError } from "../../components/MutationError.js";
import { useFieldErrors, validate } from "../../lib/form.js";
import { usePageTitle } from "../../lib/router.js";
import { useSession } from "../../lib/session.js";
import { useMutation } from "../../lib/use-query.js";
import { signIn } from "./api.js";

export function SignInPage() {
  const { refresh } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { errors, formRef, show } = useFieldErrors();
  const mutation = useMutation(signIn);
  usePageTitle("Sign in");

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(LoginRequest, { email, password });
    if (!checked.ok) {
      show(checked.errors);
      return;
    }
    show({});
    if (await mutation.run(checked.data)) await refresh();
  };

  return (
    <main className="signin">
      <div className="card">
        <h1>
          <Logo size={32} /> Sign in to pgaas
        </h1>
        <p className="muted">PostgreSQL pairs and databases, self-service.</p>
        <MutationError state={mutation.state} />
        <form className="stack" onSubmit={submit} noValidate ref={formRef}>
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={errors.email}
            required
          />
          <TextField
            label="Password"
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={errors.password}
            required
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
              Sign in
            </Button>
          </div>
        </form>
      </div>
    </main>
  );
}
