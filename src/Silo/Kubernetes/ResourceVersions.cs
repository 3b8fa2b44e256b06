using System.Globalization;

namespace Mesh.Silo.Kubernetes;

/// <summary>
/// Which resourceVersion a watch resumes from. The API conventions make them opaque, but within one
/// watch the server never goes backwards; so when both are unsigned integers (etcd revisions, as every
/// kube-apiserver sends) an older one, such as a stale bookmark, never moves the resume point back.
/// Anything else is taken at the server's word.
/// </summary>
public static class ResourceVersions
{
    public static string ResumeFrom(string current, string? seen)
    {
        if (string.IsNullOrEmpty(seen))
        {
            return current;
        }
        return TryParse(current, out var held) && TryParse(seen, out var offered) && offered < held ? current : seen;
    }

    private static bool TryParse(string version, out ulong value) =>
        ulong.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
