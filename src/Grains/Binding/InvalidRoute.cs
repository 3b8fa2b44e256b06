using Mesh.Grains.Model;

namespace Mesh.Grains.Binding;

/// <summary>
/// A route the mesh refuses: it breaks a rule the Gateway API CRDs state (a cluster with older or
/// looser CRDs let it through), uses a regular expression this proxy cannot run, or has a filter write
/// a header value or path HTTP cannot carry. It routes nothing and gets Accepted=False/UnsupportedValue
/// on each Service parent.
/// </summary>
public sealed record InvalidRoute(string Kind, ObjectMeta Metadata, List<ParentReference>? ParentRefs, string Message);
