import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge } from './bridge';
import { createClient } from './client';
import { App, preloadScreens } from './components/App';
import { initI18n } from './i18n';
import { reportError, reportUncaughtErrors } from './report-errors';
import { connectStore } from './store';
import './styles.css';
import { fire } from './fire';

initI18n();
const client = createClient(connectBridge());
reportUncaughtErrors(client);
fire(connectStore(client), 'connection to the station');
// The other screens' code, fetched while the operator works on the first one.
fire(preloadScreens(), 'loading the other screens');

const root = document.getElementById('root');
if (root) {
  // A render error React could not recover from unmounts the app: the log is where support sees why.
  createRoot(root, { onUncaughtError: (error) => reportError(client, 'error-boundary', error) }).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
