import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ServerHome } from './app/server-home.tsx';
import './app/global.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServerHome />
    </StrictMode>,
  );
}
