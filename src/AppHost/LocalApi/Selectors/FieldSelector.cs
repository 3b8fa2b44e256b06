using Mesh.AppHost.LocalApi.Errors;
using Mesh.AppHost.LocalApi.Store;

namespace Mesh.AppHost.LocalApi.Selectors;

/// <summary>A parsed <c>fieldSelector</c> over the fields every kind supports: metadata.name and metadata.namespace.</summary>
internal sealed class FieldSelector
{
    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string Field, bool Equal, string Value)> terms) => _terms = terms;

    private static readonly FieldSelector Everything = new([]);

    /// <exception cref="LocalApiException">400 BadRequest for a malformed term or an unsupported field.</exception>
    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var terms = new List<(string, bool, string)>();
        foreach (var term in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (field, equal, value) = Split(term);
            if (field is not ("metadata.name" or "metadata.namespace"))
            {
                throw ApiErrors.BadRequest($"field label not supported: {field}");
            }
            terms.Add((field, equal, value));
        }
        return new FieldSelector(terms);
    }

    public bool Matches(StoredObject obj) => _terms.All(t =>
        (t.Field == "metadata.name" ? obj.Name : obj.Namespace) == t.Value == t.Equal);

    private static (string Field, bool Equal, string Value) Split(string term)
    {
        foreach (var (op, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), equal, term[(at + op.Length)..].Trim());
            }
        }
        throw ApiErrors.BadRequest($"invalid selector: '{term}'; can't understand '{term}'");
    }
}
