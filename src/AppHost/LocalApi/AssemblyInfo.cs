using System.Runtime.CompilerServices;

// The tests drive the local API over HTTP, but unit-test the selector parser and YAML conversion directly.
[assembly: InternalsVisibleTo("Mesh.LocalApi.Tests")]
