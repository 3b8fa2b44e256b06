using Mesh.Grains.Validation;

namespace Mesh.Grains.Tests.Validation;

public class BoundedMemoTests
{
    [Fact]
    public void An_answer_is_computed_once_null_included()
    {
        var computed = 0;
        var memo = new BoundedMemo<string?>(4, key => { computed++; return key == "none" ? null : key.ToUpperInvariant(); });

        Assert.Equal("A", memo.Get("a"));
        Assert.Equal("A", memo.Get(new string("a".AsSpan())));
        Assert.Null(memo.Get("none"));
        Assert.Null(memo.Get("none"));
        Assert.Equal(2, computed);
    }

    [Fact]
    public void Past_its_capacity_the_memo_starts_over()
    {
        var computed = 0;
        var memo = new BoundedMemo<int>(2, key => ++computed);

        memo.Get("a");
        memo.Get("b");
        memo.Get("c"); // Full: the earlier answers are dropped.

        Assert.Equal(4, memo.Get("a"));
        Assert.Equal(3, memo.Get("c"));
    }
}
