// PM2: `npm ci && npm run build && pm2 start ecosystem.config.js` (then `pm2 save` and `pm2 startup` to start it
// at boot). One process only: the gateway keeps each WhatsApp session's connection and send queue in its
// process, so never run it in cluster mode or with more than one instance on the same DATA_DIR.
module.exports = {
  apps: [
    {
      name: 'wa-gateway',
      script: 'dist/main.js',
      cwd: __dirname,
      exec_mode: 'fork',
      instances: 1,
      autorestart: true,
      // SIGTERM first; the gateway finishes in-flight work within SHUTDOWN_TIMEOUT_MS (10 s by default).
      kill_timeout: 30000,
      max_memory_restart: '1G',
      env: {
        NODE_ENV: 'production',
        // Further settings come from .env in this folder (see .env.example).
      },
    },
  ],
};
