import './styles.css';
import { showConsole, type ConsoleSettings } from './console-page.ts';
import { byId } from './dom.ts';
import { showLogin } from './login.ts';
import { storedSession, type Session } from './session.ts';

const root = byId('root');
const settings = (await (await fetch('/config.json')).json()) as ConsoleSettings;

const toConsole = (session: Session) => showConsole(root, session, settings, toLogin);
function toLogin(notice?: string): void {
  showLogin(root, toConsole, notice);
}

const session = storedSession();
if (session) toConsole(session);
else toLogin();
