// echo.mjs's loopback echo, with the library loaded by require() (Node's
// require of an ES module graph): `node echo.cjs [specifier]`.
const ps = require(process.argv[2] ?? 'posix-sockets');
import('./echo.mjs')
  .then((m) => m.echo(ps, 'require'))
  .then((failed) => process.exit(failed === 0 ? 0 : 1));
