using Mesh.Gateway;

// The proxy node process: `Mesh.Gateway --silo http://127.0.0.1:15000 --port 15001`.
await GatewayProgram.RunAsync(args).ConfigureAwait(false);
