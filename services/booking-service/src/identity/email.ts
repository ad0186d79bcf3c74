/**
 * Emails are compared case-insensitively by storing them in one form: trimmed and lower
 * case (the route schema has already checked the format). Lower-casing the local part is
 * not RFC 5321-exact, but it is what every user expects of a login name.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
