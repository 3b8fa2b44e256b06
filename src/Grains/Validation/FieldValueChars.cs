namespace Mesh.Grains.Validation;

public static partial class GatewayApiValidation
{
    /// <summary>
    /// Where <paramref name="value"/> leaves what a header field value may hold (RFC 9110 §5.5): visible ASCII, spaces
    /// and tabs; -1 when it does not. Not a CRD rule (the CRDs bound a value's length only): the silo refuses a route
    /// whose header modifier breaks it, and the proxy refuses to write a field that does.
    /// </summary>
    public static int FirstNotInFieldValue(ReadOnlySpan<char> value)
    {
        // A range check is cheaper than a set's lookup; tabs, rare, are stepped over one by one.
        var at = 0;
        while (true)
        {
            var found = value[at..].IndexOfAnyExceptInRange(' ', '~');
            if (found < 0)
            {
                return -1;
            }
            at += found;
            if (value[at] != '\t')
            {
                return at;
            }
            at++;
        }
    }
}
