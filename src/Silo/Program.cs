using Mesh.Silo;

// The silo process: `Mesh.Silo --kube-api http://127.0.0.1:15010 --port 15000`.
await SiloProgram.RunAsync(args).ConfigureAwait(false);
