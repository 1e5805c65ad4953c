// The seed's server reduced to what the benchmark asks of it: Express 4 with
// the JSON health route the original answered at GET /.
const express = require('express');

const app = express();
app.use(express.json());
app.get('/', (req, res) => res.json({ message: 'Server Healthy' }));

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
