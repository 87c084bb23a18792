using Gasleser.Watching;
using Xunit;

namespace Gasleser.Tests;

/// <summary>The watch's timetable on its own: when the next poll is due, which are skipped, when it ends.</summary>
public sealed class WatchScheduleTests
{
    private static readonly TimeSpan Start = TimeSpan.FromHours(3); // elapsed time since some start
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(12);

    private static TimeSpan At(double seconds) => Start + TimeSpan.FromSeconds(seconds);

    [Theory]
    [InlineData(-1, 0, 0)]      // the first poll is due at the start
    [InlineData(0, 0.2, 1)]     // a quick poll: the next one in its slot
    [InlineData(0, 23.9, 1)]    // a slow poll ending inside the next slot: that poll is late, not skipped
    [InlineData(0, 24, 2)]      // ... ending as the slot after it begins: the late one is skipped
    [InlineData(0, 50.5, 4)]    // polls 1 to 3 passed entirely: the next is the one whose slot this is
    public void The_next_poll_is_the_next_slot_unless_that_slot_has_entirely_passed(long previous, double endedAt, long expected)
    {
        var schedule = new WatchSchedule(Start, Interval, count: null, duration: null);

        Assert.Equal(expected, schedule.NextPoll(previous, At(endedAt)));
    }

    [Fact]
    public void Polls_are_due_at_start_plus_k_intervals_exactly()
    {
        var schedule = new WatchSchedule(Start, Interval, count: null, duration: null);

        Assert.Equal(Start + TimeSpan.FromTicks(Interval.Ticks * 86_400), schedule.DueTime(86_400));
    }

    [Fact]
    public void With_a_duration_only_polls_due_inside_it_are_made()
    {
        var schedule = new WatchSchedule(Start, Interval, count: null, duration: TimeSpan.FromSeconds(60));

        Assert.Equal(4, schedule.NextPoll(3, At(36.1)));
        Assert.Null(schedule.NextPoll(4, At(48.1)));   // due at 60 s: the end
        Assert.Null(schedule.NextPoll(3, At(60.5)));   // ended past the end
        Assert.Null(new WatchSchedule(Start, Interval, null, TimeSpan.MaxValue).End);
    }

    [Fact]
    public void An_interval_below_the_device_limit_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WatchSchedule(Start, TimeSpan.FromSeconds(9.9), null, null));
    }
}
