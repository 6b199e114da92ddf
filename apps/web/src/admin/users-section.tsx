import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { ErrorLike } from '@apollo/client';
import { getFragmentData, graphql, type FragmentType } from '../gql/index.js';
import type { Role } from '../gql/graphql.js';
import { errorMessage } from '../apollo/errors.js';
import { useCurrentUser } from '../shell/current-user.js';
import { EmptyState, ErrorState, Loading, QueryError } from '../shell/states.js';
import { formatDateTime, HOSPITAL_ROLES, ROLE_LABELS } from './roles.js';

export const AdminUserRowFragment = graphql(`
  fragment AdminUserRow_HospitalUser on HospitalUser {
    id
    displayName
    email
    roles
    hasSignedIn
    memberSince
  }
`);

export const AdminUsersQuery = graphql(`
  query AdminUsers($first: Int, $after: String) {
    hospitalUsers(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          ...AdminUserRow_HospitalUser
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const SetUserRolesMutation = graphql(`
  mutation SetUserRoles($input: SetUserRolesInput!) {
    setUserRoles(input: $input) {
      id
      ...AdminUserRow_HospitalUser
    }
  }
`);

export const InviteUserMutation = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) {
      initialPassword
      user {
        id
        ...AdminUserRow_HospitalUser
      }
    }
  }
`);

function RoleCheckboxes({
  value,
  onChange,
  owner,
  disabled,
}: {
  value: readonly Role[];
  onChange: (roles: Role[]) => void;
  owner: string;
  disabled?: boolean;
}) {
  return (
    <fieldset className="role-checkboxes" disabled={disabled}>
      <legend className="visually-hidden">Roles of {owner}</legend>
      {HOSPITAL_ROLES.map((role) => (
        <label key={role}>
          <input
            type="checkbox"
            checked={value.includes(role)}
            aria-label={`${ROLE_LABELS[role]} (${owner})`}
            onChange={(e) => onChange(e.target.checked ? [...value, role] : value.filter((r) => r !== role))}
          />
          {ROLE_LABELS[role]}
        </label>
      ))}
    </fieldset>
  );
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}

function UserRow({ user }: { user: FragmentType<typeof AdminUserRowFragment> }) {
  const u = getFragmentData(AdminUserRowFragment, user);
  const { me } = useCurrentUser();
  const [roles, setRoles] = useState<Role[]>(() => u.roles.filter((r) => HOSPITAL_ROLES.includes(r)));
  const [setUserRoles, { loading, error }] = useMutation(SetUserRolesMutation);
  const [saved, setSaved] = useState(false);
  const current = u.roles.filter((r) => HOSPITAL_ROLES.includes(r));
  const changed = !sameRoles(roles, current);
  const save = async () => {
    setSaved(false);
    try {
      await setUserRoles({ variables: { input: { userId: u.id, roles } } });
      setSaved(true);
    } catch {
      // Shown from `error`.
    }
  };
  return (
    <tr data-testid="user-row">
      <td>
        {u.displayName}
        {u.id === me.id && <span className="muted"> (you)</span>}
      </td>
      <td>{u.email}</td>
      <td>
        <RoleCheckboxes value={roles} onChange={setRoles} owner={u.email} disabled={loading} />
        {error && (
          <span role="alert" className="inline-error">
            {errorMessage(error)}
          </span>
        )}
        {roles.length === 0 && <span className="inline-error">At least one role</span>}
      </td>
      <td>{u.hasSignedIn ? formatDateTime(u.memberSince) : <span className="muted">Invited, not signed in yet</span>}</td>
      <td>
        <button
          type="button"
          className="button"
          disabled={!changed || roles.length === 0 || loading}
          onClick={() => void save()}
          aria-label={`Save roles for ${u.email}`}
        >
          {loading ? 'Saving…' : 'Save roles'}
        </button>
        {saved && !changed && <span className="muted"> Saved</span>}
      </td>
    </tr>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['CLINICIAN']);
  // no-cache: the initial password must not linger in Apollo's cache.
  const [invite, { loading, error }] = useMutation(InviteUserMutation, { fetchPolicy: 'no-cache' });
  const [result, setResult] = useState<{ email: string; initialPassword: string | null } | null>(null);
  const [failure, setFailure] = useState<ErrorLike | null>(null);

  const shownError = failure ?? error;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    try {
      const { data } = await invite({ variables: { input: { email: email.trim(), displayName: displayName.trim() || undefined, roles } } });
      if (data) setResult({ email: email.trim(), initialPassword: data.inviteUser.initialPassword });
      setEmail('');
      setDisplayName('');
      onInvited();
    } catch (err) {
      setFailure(err instanceof Error ? err : null);
    }
  };

  return (
    <form className="inline-form" aria-label="Invite a user" onSubmit={(e) => void submit(e)}>
      <h3>Invite a user</h3>
      <label>
        Email
        <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Display name
        <input type="text" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <RoleCheckboxes value={roles} onChange={setRoles} owner="the new user" />
      <button type="submit" className="button primary" disabled={loading || roles.length === 0 || email.trim() === ''}>
        {loading ? 'Inviting…' : 'Invite'}
      </button>
      {shownError && <ErrorState error={shownError} title="Invitation failed" />}
      {result && (
        <div className="secret-once" role="status">
          <p>
            Invited <strong>{result.email}</strong>.
          </p>
          {result.initialPassword ? (
            <p>
              Initial password (shown once, give it to them securely): <code data-testid="initial-password">{result.initialPassword}</code>
            </p>
          ) : (
            <p>They sign in with their existing account.</p>
          )}
          <button type="button" className="button" onClick={() => setResult(null)}>
            Done
          </button>
        </div>
      )}
    </form>
  );
}

export function UsersSection() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading, refetch } = useQuery(AdminUsersQuery, { variables: { first: 50, after } });
  const edges = data?.hospitalUsers.edges ?? [];
  const pageInfo = data?.hospitalUsers.pageInfo;
  return (
    <div className="admin-section">
      {!data && error ? (
        <QueryError error={error} onRetry={() => void refetch()} />
      ) : !data && loading ? (
        <Loading label="Loading users…" />
      ) : edges.length === 0 ? (
        <EmptyState>No users yet.</EmptyState>
      ) : (
        <table className="data-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Member since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {edges.map((e) => (
              <UserRow key={e.node.id} user={e.node} />
            ))}
          </tbody>
        </table>
      )}
      {(cursors.length > 1 || pageInfo?.hasNextPage) && (
        <nav className="pager" aria-label="User pages">
          <button type="button" className="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <button
            type="button"
            className="button"
            disabled={!pageInfo?.hasNextPage}
            onClick={() => pageInfo?.endCursor && setCursors([...cursors, pageInfo.endCursor])}
          >
            Next page
          </button>
        </nav>
      )}
      <InviteForm onInvited={() => void refetch()} />
    </div>
  );
}
