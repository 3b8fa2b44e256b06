using Microsoft.Extensions.Configuration;

namespace Mesh.Hosting;

/// <summary>
/// Binds "--kebab-case value" flags to an options class's PascalCase properties. A flag given without a
/// value (followed by another flag, or last) means true. A flag bound to a list may be repeated.
/// </summary>
public static class CommandLineOptions
{
    public static T Parse<T>(IEnumerable<string> args) where T : new()
    {
        var pairs = new List<KeyValuePair<string, string?>>();
        var list = args.ToList();
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{list[i]}': flags look like --name value.");
            }
            var key = ToPascalCase(list[i][2..]);
            if (IsList(typeof(T), key))
            {
                var index = counts.GetValueOrDefault(key);
                counts[key] = index + 1;
                key = $"{key}:{index}";
            }
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            pairs.Add(new(key, hasValue ? list[++i] : "true"));
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(pairs).Build();
        var options = new T();
        configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    private static bool IsList(Type type, string property) =>
        type.GetProperty(property)?.PropertyType is { IsGenericType: true } propertyType
        && propertyType.GetGenericTypeDefinition() == typeof(List<>);

    private static string ToPascalCase(string kebab) =>
        string.Concat(kebab.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
