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

    [Theory]
    [InlineData(1, 12, 0)]          // one device: phase 0, as a watch always was
    [InlineData(3, 12, 25)]         // a few: one step apart, the third 50 ms after the first
    [InlineData(200, 12, 25)]       // 200: still one step apart (the last 4.975 s after the first)
    [InlineData(480, 12, 25)]       // as many as one interval holds at one step
    [InlineData(500, 12, 24)]       // more: spread evenly over the whole interval (12 s / 500)
    [InlineData(500, 3600, 25)]     // a long interval: the step, not 7.2 s apart
    [InlineData(10000, 10, 1)]      // very many: still inside one interval
    public void Device_i_of_n_is_due_first_i_times_the_smaller_of_interval_over_n_and_the_step_after_the_start(int devices, double intervalSeconds, double apartMs)
    {
        TimeSpan interval = TimeSpan.FromSeconds(intervalSeconds);
        Assert.Equal(TimeSpan.FromMilliseconds(25), WatchSchedule.PhaseStep);

        TimeSpan[] phases = Enumerable.Range(0, devices).Select(i => WatchSchedule.PhaseOf(i, devices, interval)).ToArray();

        Assert.Equal(TimeSpan.Zero, phases[0]);
        Assert.All(phases.Zip(phases.Skip(1)), p => Assert.Equal(TimeSpan.FromMilliseconds(apartMs), p.Second - p.First));
        Assert.True(phases[^1] < interval);
    }

    [Fact]
    public void A_device_s_schedule_keeps_the_watch_s_rate_count_and_end_on_its_own_phase()
    {
        var watch = new WatchSchedule(Start, Interval, count: 5, duration: TimeSpan.FromSeconds(60));

        WatchSchedule third = watch.ForDevice(2, 3);

        Assert.Equal(TimeSpan.FromMilliseconds(50), third.Phase);
        Assert.Equal(Start + TimeSpan.FromMilliseconds(50), third.Start);
        Assert.Equal(At(36.05), third.DueTime(3));
        Assert.Equal(Interval, third.Interval);
        Assert.Equal(5, third.Count);
        Assert.Equal(watch.End, third.End);
        Assert.Equal(watch.Start, watch.ForDevice(0, 3).Start);
        Assert.Equal(third.Start, watch.ForDevice(1, 3).ForDevice(2, 3).Start); // from any device's schedule, the same watch
    }

    [Theory]
    [InlineData(-1, 0, 0)]          // the first poll, due 50 ms after the watch's start
    [InlineData(0, 24.04, 1)]       // its next slot begins at 24.05 s: poll 1 is late, not skipped
    [InlineData(0, 24.05, 2)]       // ... at 24.05 s it has passed entirely: skipped
    public void A_device_on_a_phase_skips_by_its_own_slots(long previous, double endedAt, long expected)
    {
        WatchSchedule third = new WatchSchedule(Start, Interval, null, null).ForDevice(2, 3);

        Assert.Equal(expected, third.NextPoll(previous, At(endedAt)));
    }

    [Fact]
    public void With_a_duration_a_device_whose_phase_puts_a_poll_at_or_after_the_end_does_not_make_it()
    {
        var watch = new WatchSchedule(Start, Interval, count: null, duration: TimeSpan.FromSeconds(48.03));

        Assert.Equal(4, watch.ForDevice(1, 3).NextPoll(3, At(36.1)));   // due at 48.025 s: inside
        Assert.Null(watch.ForDevice(2, 3).NextPoll(3, At(36.1)));       // due at 48.05 s: after the end
        Assert.Null(new WatchSchedule(Start, Interval, null, TimeSpan.FromSeconds(12.05)).ForDevice(2, 3).NextPoll(0, At(0.1))); // due at the end exactly
    }

    [Fact]
    public void An_interval_below_the_device_limit_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WatchSchedule(Start, TimeSpan.FromSeconds(9.9), null, null));
    }
}
