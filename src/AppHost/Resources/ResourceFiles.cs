namespace Mesh.AppHost.Resources;

/// <summary>Expands the paths given to the loader: a directory stands for every resource file under it.</summary>
internal static class ResourceFiles
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>Files as given; directories as their *.yaml/*.yml/*.json files, recursively, sorted by path.</summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a directory.</exception>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
                foreach (var file in files)
                {
                    yield return file;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                throw new FileNotFoundException($"resource path not found: {path}", path);
            }
        }
    }
}
