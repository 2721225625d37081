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
// The other screens' code and languages are fetched once connectStore settles: the first screen has
// its snapshot and then the outbox list (either answered or refused), or the snapshot failed. So they
// never compete with the first screen's data, and load while the operator works on it.
fire(
  connectStore(client).finally(() => fire(preloadScreens(), 'loading the other screens')),
  'connection to the station',
);

const root = document.getElementById('root');
if (root) {
  // A render error React could not recover from unmounts the app: the log is where support sees why.
  createRoot(root, { onUncaughtError: (error) => reportError(client, 'error-boundary', error) }).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
