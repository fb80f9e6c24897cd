// index.html: forwards to the app centre (which sends a visitor without a session to the login page).
import { initI18n } from './i18n.js';

initI18n();
