using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>One merge group: a Service port, for producer routes (no consumer namespace) or one consumer namespace.</summary>
internal readonly record struct GroupKey(ObjectKey Service, int Port, string? ConsumerNamespace);
