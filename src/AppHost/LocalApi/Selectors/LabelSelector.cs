using System.Globalization;
using Mesh.AppHost.LocalApi.Errors;

namespace Mesh.AppHost.LocalApi.Selectors;

/// <summary>
/// A parsed <c>labelSelector</c>: comma-separated requirements, all of which must hold. Supports
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>,
/// <c>k&gt;n</c> and <c>k&lt;n</c>, with the real server's semantics (<c>!=</c> and <c>notin</c> also match
/// objects without the label).
/// </summary>
internal sealed class LabelSelector
{
    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    private static readonly LabelSelector Everything = new([]);

    /// <exception cref="LocalApiException">400 BadRequest when the selector does not parse.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        var parser = new Parser(text);
        return new LabelSelector(parser.ParseAll());
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    private enum Operator
    {
        Exists,
        DoesNotExist,
        Equals,
        NotEquals,
        In,
        NotIn,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Operator, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var present = labels.TryGetValue(Key, out var value);
            return Operator switch
            {
                Operator.Exists => present,
                Operator.DoesNotExist => !present,
                Operator.Equals or Operator.In => present && Values.Contains(value),
                Operator.NotEquals or Operator.NotIn => !present || !Values.Contains(value),
                Operator.GreaterThan => present && long.TryParse(value, CultureInfo.InvariantCulture, out var above) && above > long.Parse(Values[0], CultureInfo.InvariantCulture),
                Operator.LessThan => present && long.TryParse(value, CultureInfo.InvariantCulture, out var below) && below < long.Parse(Values[0], CultureInfo.InvariantCulture),
                _ => false,
            };
        }
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public List<Requirement> ParseAll()
        {
            var requirements = new List<Requirement>();
            while (true)
            {
                requirements.Add(ParseRequirement());
                SkipSpaces();
                if (AtEnd)
                {
                    return requirements;
                }
                Expect(',');
            }
        }

        private bool AtEnd => _position >= text.Length;

        private Requirement ParseRequirement()
        {
            SkipSpaces();
            if (TryConsume("!"))
            {
                return new Requirement(ReadKey(), Operator.DoesNotExist, []);
            }
            var key = ReadKey();
            SkipSpaces();
            if (AtEnd || text[_position] == ',')
            {
                return new Requirement(key, Operator.Exists, []);
            }
            if (TryConsume("==") || TryConsume("="))
            {
                return new Requirement(key, Operator.Equals, [ReadValue()]);
            }
            if (TryConsume("!="))
            {
                return new Requirement(key, Operator.NotEquals, [ReadValue()]);
            }
            if (TryConsume(">") || TryConsume("<"))
            {
                var op = text[_position - 1] == '>' ? Operator.GreaterThan : Operator.LessThan;
                var bound = ReadValue();
                if (!long.TryParse(bound, CultureInfo.InvariantCulture, out _))
                {
                    throw Error($"for 'Gt', 'Lt' operators, the value must be an integer, not \"{bound}\"");
                }
                return new Requirement(key, op, [bound]);
            }
            if (TryConsumeWord("notin"))
            {
                return new Requirement(key, Operator.NotIn, ReadSet());
            }
            if (TryConsumeWord("in"))
            {
                return new Requirement(key, Operator.In, ReadSet());
            }
            throw Error($"found '{Rest()}', expected: in, notin, =, ==, !=, gt, lt");
        }

        private List<string> ReadSet()
        {
            SkipSpaces();
            Expect('(');
            var values = new List<string>();
            while (true)
            {
                values.Add(ReadValue());
                SkipSpaces();
                if (TryConsume(")"))
                {
                    return values;
                }
                Expect(',');
            }
        }

        private string ReadKey()
        {
            SkipSpaces();
            var key = ReadToken();
            return key.Length > 0 ? key : throw Error($"found '{Rest()}', expected: identifier");
        }

        private string ReadValue()
        {
            SkipSpaces();
            return ReadToken();
        }

        private string ReadToken()
        {
            var start = _position;
            while (!AtEnd && !char.IsWhiteSpace(text[_position]) && "=!,()<>".IndexOf(text[_position], StringComparison.Ordinal) < 0)
            {
                _position++;
            }
            return text[start.._position];
        }

        private bool TryConsume(string token)
        {
            if (string.CompareOrdinal(text, _position, token, 0, token.Length) != 0)
            {
                return false;
            }
            _position += token.Length;
            return true;
        }

        // "in"/"notin" are keywords only when a set follows, so a key named "inx" is not misread.
        private bool TryConsumeWord(string word)
        {
            var end = _position + word.Length;
            if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0 ||
                (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '('))
            {
                return false;
            }
            _position = end;
            return true;
        }

        private void Expect(char expected)
        {
            SkipSpaces();
            if (AtEnd || text[_position] != expected)
            {
                throw Error($"found '{Rest()}', expected: '{expected}'");
            }
            _position++;
        }

        private void SkipSpaces()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private string Rest() => AtEnd ? "" : text[_position..];

        private LocalApiException Error(string detail) =>
            ApiErrors.BadRequest($"unable to parse requirement: {detail} (in selector \"{text}\")");
    }
}
