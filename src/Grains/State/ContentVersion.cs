using System.Security.Cryptography;
using System.Text.Json;
using Mesh.Grains.Model;

namespace Mesh.Grains.State;

/// <summary>
/// Versions taken from content: the same facet has the same version on every silo replica, whatever
/// order its inputs arrived in, so a proxy can resume against any replica without a resend.
/// </summary>
public static class ContentVersion
{
    public static string Of<T>(T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, KubernetesJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }
}
