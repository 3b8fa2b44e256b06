namespace Mesh.Hosting.Metrics;

/// <summary>
/// The values of a metric's labels, compared by value. Built from strings the caller already holds
/// (route and Service names from the tables), so looking up a series allocates nothing.
/// </summary>
public readonly record struct LabelValues(string? A = null, string? B = null, string? C = null, string? D = null)
{
    public string? this[int index] => index switch
    {
        0 => A,
        1 => B,
        2 => C,
        3 => D,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>The very same string instances (or nulls): equal, known without comparing characters.</summary>
    public bool HasSameStrings(LabelValues other) =>
        ReferenceEquals(A, other.A) && ReferenceEquals(B, other.B) && ReferenceEquals(C, other.C) && ReferenceEquals(D, other.D);
}
