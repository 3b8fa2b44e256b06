namespace Mesh.Grains.Validation;

/// <summary>
/// Collects the errors of one validation. Schema errors are recorded at once; CEL rules
/// (x-kubernetes-validations) are recorded as checks and evaluated at the end, because the API server
/// skips them all when the schema pass found a "blocking" error: a CEL rule assumes the object already
/// has the schema's shape.
/// </summary>
internal sealed class Findings
{
    // apiextensions-apiserver's hasBlockingErr: wrong type, missing required field, enum, maxLength, maxItems.
    private static readonly HashSet<string> Blocking =
        [Reasons.TypeInvalid, Reasons.Required, Reasons.NotSupported, Reasons.TooLong, Reasons.TooMany];

    private const string RulesSkipped = "Invalid value: \"null\": some validation rules were not checked because " +
        "the object was invalid; correct the existing errors to complete validation";

    private readonly List<FieldError> errors = [];
    private readonly List<(string Path, string Type, string Message, Func<bool> Holds)> rules = [];

    public void Add(string path, string reason, string message) => errors.Add(new FieldError(path, reason, message));

    /// <summary>A CEL rule on the node at <paramref name="path"/>; <paramref name="type"/> is its schema type, which the API server shows as the value.</summary>
    public void AddRule(string path, string type, string message, Func<bool> holds) => rules.Add((path, type, message, holds));

    public IReadOnlyList<FieldError> Result()
    {
        if (errors.Exists(e => Blocking.Contains(e.Reason)))
        {
            return [.. errors, new FieldError("", Reasons.Invalid, RulesSkipped)];
        }
        foreach (var (path, type, message, holds) in rules)
        {
            if (!holds())
            {
                Add(path, Reasons.Invalid, $"Invalid value: \"{type}\": {message}");
            }
        }
        return errors;
    }
}
