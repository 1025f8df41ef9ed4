import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { getPlatform } from './platform/platform.js';
import { AppStore } from './state/app-store.js';
import { StoreContext } from './state/hooks.js';
import './styles.css';
// After styles.css: focus rings and the modal dialog's top-layer box override it.
import './focus.css';

const root = document.getElementById('root')!;

getPlatform()
  .then(async (platform) => {
    const store = new AppStore(platform);
    createRoot(root).render(
      <StrictMode>
        <StoreContext.Provider value={store}>
          <App />
        </StoreContext.Provider>
      </StrictMode>,
    );
    await store.start();
    // The host opens the window on a fragment (a notification's droplet and view); the store knows the droplets by now.
    store.followLink(window.location.hash);
    window.addEventListener('hashchange', () => store.followLink(window.location.hash));
  })
  .catch((err: Error) => {
    const p = document.createElement('p');
    p.className = 'fatal';
    p.setAttribute('role', 'alert');
    p.textContent = err.message;
    root.replaceChildren(p);
  });
