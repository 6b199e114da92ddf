import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:3000', ws: true },
      '/oidc': 'http://127.0.0.1:3000',
      '/health': 'http://127.0.0.1:3000',
      '/api': 'http://127.0.0.1:3000',
      '/dicomweb': 'http://127.0.0.1:3000',
    },
  },
});
