namespace Mesh.Grains.Status;

/// <summary>
/// A condition message the API server takes: metav1.Condition caps it at 32768 characters, and a status write
/// with a longer one is refused whole. Messages that quote a route's own values (a refusal quoting a huge field) are cut.
/// </summary>
public static class ConditionMessage
{
    public const int MaxLength = 32768;

    private const string Cut = "...";

    public static string Fit(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length <= MaxLength)
        {
            return message;
        }
        var keep = MaxLength - Cut.Length;
        if (char.IsHighSurrogate(message[keep - 1]))
        {
            keep--; // never half a character
        }
        return string.Concat(message.AsSpan(0, keep), Cut);
    }
}
