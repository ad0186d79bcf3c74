import { h } from './dom.ts';
import { logIn, type Session } from './session.ts';

/** The login page; `notice` is shown above the form (e.g. after a session expired). */
export function showLogin(root: HTMLElement, onLoggedIn: (session: Session) => void, notice?: string): void {
  const email = h('input', { type: 'email', name: 'email', id: 'login-email', autocomplete: 'username', required: '' });
  const password = h('input', { type: 'password', name: 'password', id: 'login-password', autocomplete: 'current-password', required: '' });
  const error = h('p', { class: 'login-error', id: 'login-error', role: 'alert' });
  const submit = h('button', { type: 'submit', id: 'login-submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'login-form', id: 'login-form' },
    h('h1', {}, 'Rideline ops console'),
    notice ? h('p', { class: 'login-notice', id: 'login-notice' }, notice) : '',
    h('label', { for: 'login-email' }, 'Email'),
    email,
    h('label', { for: 'login-password' }, 'Password'),
    password,
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    void logIn(email.value, password.value).then((result) => {
      submit.disabled = false;
      if (result.ok) onLoggedIn(result.session);
      else {
        error.textContent = result.message;
        password.select();
      }
    });
  });
  root.replaceChildren(h('main', { class: 'login-page' }, form));
  email.focus();
}
