using System.Text.Json.Nodes;

namespace Mesh.Grains.Validation;

/// <summary>
/// One field of the object under validation: its path ("spec.rules[0].name"), its JSON value (null when
/// absent; the API server prunes explicit nulls before defaulting, so null and absent are the same), and
/// the findings it reports to. A list item is never pruned: a null item (<see cref="IsItem"/>) is a value of the wrong type.
/// </summary>
internal readonly record struct Cursor(Findings Findings, string Path, JsonNode? Node, bool IsItem = false)
{
    public bool Present => Node is not null;

    public Cursor Field(string name) =>
        new(Findings, Path.Length == 0 ? name : $"{Path}.{name}", (Node as JsonObject)?[name]);

    public Cursor Item(int index) => new(Findings, $"{Path}[{index}]", (Node as JsonArray)?[index], IsItem: true);

    // Typed reads: absent reads as null; a value of another JSON type (a null item too) is reported once and reads as null.

    public JsonObject? AsObject() => Node switch
    {
        null when !IsItem => null,
        JsonObject obj => obj,
        _ => Mistyped<JsonObject>("object"),
    };

    public JsonArray? AsArray() => Node switch
    {
        null when !IsItem => null,
        JsonArray array => array,
        _ => Mistyped<JsonArray>("array"),
    };

    public string? AsString() => Node is null && !IsItem ? null : Json.Text(Node) ?? Mistyped<string>("string");

    public long? AsInteger() => Node is null && !IsItem ? null : Json.Integer(Node) ?? Mistyped<long?>("integer");

    public bool? AsBoolean() => Node is null && !IsItem ? null : Json.Boolean(Node) ?? Mistyped<bool?>("boolean");

    // Reports, worded as the API server's error bodies.

    public void Required() => Findings.Add(Path, Reasons.Required, "Required value");

    public void Invalid(string detail) => Findings.Add(Path, Reasons.Invalid, $"Invalid value: {Json.Show(Node)}: {detail}");

    public void NotSupported(IEnumerable<string> supported) => Findings.Add(Path, Reasons.NotSupported,
        $"Unsupported value: {Json.Show(Node)}: supported values: {string.Join(", ", supported.Select(Json.Quote))}");

    public void TooLong(int maxLength) => Findings.Add(Path, Reasons.TooLong, $"Too long: may not be longer than {maxLength}");

    public void TooMany(int count, int maxItems) =>
        Findings.Add(Path, Reasons.TooMany, $"Too many: {count}: must have at most {maxItems} items");

    public void TooFew(int count, int minItems) =>
        Findings.Add(Path, Reasons.Invalid, $"Invalid value: {count}: should have at least {minItems} items");

    public void Duplicate(string shown) => Findings.Add(Path, Reasons.Duplicate, $"Duplicate value: {shown}");

    /// <summary>A CEL rule on this node: <paramref name="holds"/> runs after the schema pass, unless that found blocking errors.</summary>
    public void Rule(string message, Func<bool> holds) =>
        Findings.AddRule(Path, Node is JsonArray ? "array" : "object", message, holds);

    private T? Mistyped<T>(string type)
    {
        Findings.Add(Path, Reasons.TypeInvalid, $"Invalid value: {Json.Show(Node)}: must be of type {type}");
        return default;
    }
}
