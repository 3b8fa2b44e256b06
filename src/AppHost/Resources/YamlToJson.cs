using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.AppHost.Resources;

/// <summary>
/// Converts YAML documents to JSON nodes with the YAML 1.2 core schema: plain scalars become integers,
/// floats, booleans or null when they look like one; quoted and block scalars stay strings; explicit tags
/// (<c>!!str</c>, <c>!!int</c>, ...) win. Anchors and aliases are expanded, merge keys (<c>&lt;&lt;</c>) applied.
/// </summary>
internal static partial class YamlToJson
{
    private const string TagPrefix = "tag:yaml.org,2002:";

    /// <summary>The documents of a multi-document YAML text; empty documents are skipped.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static List<JsonNode> ReadDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(d => Convert(d.RootNode)).OfType<JsonNode>()];
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => Mapping(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, $"unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        var merged = new List<JsonObject>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                throw new YamlException(keyNode.Start, keyNode.End, "mapping keys must be scalars");
            }
            if (key == "<<" && scalarKey.Style == ScalarStyle.Plain)
            {
                merged.AddRange(valueNode is YamlSequenceNode many ? many.Children.Select(MergeSource) : [MergeSource(valueNode)]);
                continue;
            }
            obj[key] = Convert(valueNode);
        }
        // Keys written in the mapping itself win over merged ones; earlier merge sources over later ones.
        foreach (var source in merged)
        {
            foreach (var (key, value) in source)
            {
                if (!obj.ContainsKey(key))
                {
                    obj[key] = value?.DeepClone();
                }
            }
        }
        return obj;
    }

    private static JsonObject MergeSource(YamlNode node) =>
        node is YamlMappingNode mapping ? Mapping(mapping) : throw new YamlException(node.Start, node.End, "a merge key (<<) must refer to a mapping");

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag.StartsWith(TagPrefix, StringComparison.Ordinal))
        {
            return Tagged(scalar, tag[TagPrefix.Length..], value);
        }
        if (scalar.Style == ScalarStyle.Plain && tag is null && TryResolve(value, out var resolved))
        {
            return resolved;
        }
        return JsonValue.Create(value);
    }

    private static JsonValue? Tagged(YamlScalarNode scalar, string type, string value) => type switch
    {
        "str" => JsonValue.Create(value),
        "null" => null,
        _ => TryResolve(value, out var resolved) && resolved is not null && Matches(resolved, type)
            ? resolved
            : throw new YamlException(scalar.Start, scalar.End, $"\"{value}\" is not a valid !!{type}"),
    };

    private static bool Matches(JsonValue resolved, string type) => (type, resolved.GetValueKind()) switch
    {
        ("bool", System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False) => true,
        ("int", System.Text.Json.JsonValueKind.Number) => resolved.TryGetValue<long>(out _) || resolved.TryGetValue<decimal>(out _),
        ("float", System.Text.Json.JsonValueKind.Number) => true,
        _ => false,
    };

    /// <summary>A plain scalar's typed value per the core schema (null for a YAML null); false when it is just a string.</summary>
    private static bool TryResolve(string value, out JsonValue? resolved)
    {
        resolved = value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when DecimalInteger().IsMatch(value) =>
                long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                    ? JsonValue.Create(integer)
                    : JsonValue.Create(decimal.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            _ when value.StartsWith("0x", StringComparison.Ordinal) &&
                   long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) => JsonValue.Create(hex),
            _ when value.StartsWith("0o", StringComparison.Ordinal) && OctalDigits().IsMatch(value[2..]) =>
                JsonValue.Create(System.Convert.ToInt64(value[2..], 8)),
            // .inf and .nan have no JSON form; like everything else unrecognized they stay strings.
            _ when Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) &&
                   double.IsFinite(number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
        return resolved is null || resolved.GetValueKind() != System.Text.Json.JsonValueKind.String;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[0-7]{1,21}\z")]
    private static partial Regex OctalDigits();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex Float();
}
