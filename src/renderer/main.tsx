import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectBridge } from './bridge';
import { createClient } from './client';
import { App } from './components/App';
import { initI18n } from './i18n';
import { connectStore } from './store';
import './styles.css';
import { fire } from './fire';

initI18n();
const client = createClient(connectBridge());
fire(connectStore(client), 'connection to the station');

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
