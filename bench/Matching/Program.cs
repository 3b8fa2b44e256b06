using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Matching -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Mesh.Bench.Matching.RouteMatchBenchmarks).Assembly).Run(args);
