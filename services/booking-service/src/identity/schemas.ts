import Type from 'typebox';

/**
 * Request and response schemas of the identity routes. Requests refuse unknown fields
 * (additionalProperties: false); responses are serialised through their schema, so nothing
 * undeclared (a password hash, a private JWK member) can slip out.
 */
const closed = { additionalProperties: false } as const;

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Email = Type.String({ format: 'email', maxLength: 254 });
/** Policy for new passwords. */
const NewPassword = Type.String({ minLength: 8, maxLength: 128 });
/** At login any non-empty password is checked (a policy change must not lock anyone out). */
const Password = Type.String({ minLength: 1, maxLength: 128 });
const Vehicle = Type.Object(
  {
    plate: Type.String({ minLength: 1, maxLength: 20, pattern: '\\S' }),
    model: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  },
  closed,
);

const exampleTokens = {
  access_token: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  refresh_token: 'rt_6f1c2d0e9b8a4c7d8e9f0a1b2c3d4e5f',
  token_type: 'Bearer',
  expires_in: 900,
};
const exampleVehicle = { plate: 'KA01AB1234', model: 'Toyota Etios' };

export const RegisterUserBody = Type.Object(
  { name: Name, email: Email, password: NewPassword },
  { ...closed, $id: 'RegisterUserRequest', examples: [{ name: 'Asha Rao', email: 'asha@example.com', password: 'correct horse battery' }] },
);
export const RegisterDriverBody = Type.Object(
  { name: Name, email: Email, password: NewPassword, vehicle: Vehicle },
  {
    ...closed,
    $id: 'RegisterDriverRequest',
    examples: [{ name: 'Ravi Kumar', email: 'ravi@example.com', password: 'correct horse battery', vehicle: exampleVehicle }],
  },
);
export const LoginBody = Type.Object(
  { email: Email, password: Password },
  { ...closed, $id: 'LoginRequest', examples: [{ email: 'asha@example.com', password: 'correct horse battery' }] },
);
export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 512 }) },
  { ...closed, $id: 'RefreshRequest', examples: [{ refresh_token: exampleTokens.refresh_token }] },
);

const tokenFields = {
  access_token: Type.String({ description: 'A JWT for `Authorization: Bearer`; short-lived (`expires_in` seconds).' }),
  refresh_token: Type.String({ description: 'Exchanged at `/auth/refresh` for a new pair; single use (rotated).' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires.' }),
};
export const TokenPairReply = Type.Object(tokenFields, { $id: 'TokenPair', examples: [exampleTokens] });
export const UserSessionReply = Type.Object(
  { user: Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() }), ...tokenFields },
  {
    $id: 'AuthSession',
    description: "A rider's login session: who they are and their tokens.",
    examples: [{ user: { id: '5b0f7c1e-2a4d-4f3b-9c8e-1d2e3f4a5b6c', name: 'Asha Rao', email: 'asha@example.com' }, ...exampleTokens }],
  },
);
export const DriverSessionReply = Type.Object(
  {
    driver: Type.Object({
      id: Type.String(),
      name: Type.String(),
      email: Type.String(),
      vehicle: Type.Object({ plate: Type.String(), model: Type.String() }),
    }),
    ...tokenFields,
  },
  {
    $id: 'DriverAuthSession',
    description: "A driver's login session: who they are, their vehicle, and their tokens.",
    examples: [
      { driver: { id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Ravi Kumar', email: 'ravi@example.com', vehicle: exampleVehicle }, ...exampleTokens },
    ],
  },
);

export const OperatorSessionReply = Type.Object(
  { operator: Type.Object({ id: Type.String(), email: Type.String() }), ...tokenFields },
  {
    $id: 'OperatorAuthSession',
    description: "An operator's login session: who they are and their tokens (operator tokens open the operator endpoints only).",
    examples: [{ operator: { id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', email: 'ops@example.com' }, ...exampleTokens }],
  },
);

export const JwksReply = Type.Object(
  {
    keys: Type.Array(
      Type.Object({
        kty: Type.String(),
        crv: Type.String(),
        x: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.String(),
      }),
    ),
  },
  {
    $id: 'Jwks',
    description: 'The public keys (Ed25519) that verify access tokens.',
    examples: [{ keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1', alg: 'EdDSA', use: 'sig' }] }],
  },
);

/** The named components of the identity routes, added once to the app (`app.addSchema`). */
export const identitySchemas = [
  RegisterUserBody,
  RegisterDriverBody,
  LoginBody,
  RefreshBody,
  TokenPairReply,
  UserSessionReply,
  DriverSessionReply,
  OperatorSessionReply,
  JwksReply,
];
