using System;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace Gasleser.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a length of time as people type it: a number of seconds (60, 2.5),
    /// a number with a unit ('90s', '15m', '1h', '1d', '500ms') or TimeSpan form ('00:01:00', '1.02:00:00').
    /// PowerShell alone reads 60 as 60 ticks (6 µs) and '12' as twelve days. Values outside the
    /// parameter's range are refused here, quoting the value as typed, never later as a raw exception.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class TimeSpanArgumentAttribute : ArgumentTransformationAttribute
    {
        public const string AcceptedForms =
            "a number of seconds (60), a number with a unit (90s, 15m, 1h, 1d) or hh:mm:ss (00:01:00)";

        private static readonly Regex WithUnit = new Regex(
            @"^(?<number>\d+(\.\d+)?)\s*(?<unit>ms|s|sec|m|min|h|d)?$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly TimeSpan _minimum;
        private readonly bool _minimumIncluded;
        private readonly TimeSpan _maximum;

        /// <param name="minimumSeconds">The shortest value allowed.</param>
        /// <param name="minimumIncluded">False when the value must be longer than the minimum (a -Duration of 0 is nothing).</param>
        /// <param name="maximumSeconds">The longest value allowed; 0 for no limit.</param>
        public TimeSpanArgumentAttribute(double minimumSeconds, bool minimumIncluded = true, double maximumSeconds = 0)
        {
            _minimum = TimeSpan.FromSeconds(minimumSeconds);
            _minimumIncluded = minimumIncluded;
            _maximum = maximumSeconds > 0 ? TimeSpan.FromSeconds(maximumSeconds) : TimeSpan.MaxValue;
        }

        /// <summary>Said after "too short": why the minimum is what it is.</summary>
        public string? TooShortAdvice { get; set; }

        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            string typed = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            TimeSpan span = value switch
            {
                TimeSpan given => given,
                string text => Parse(text),
                byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal =>
                    FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture), typed),
                _ => throw Refuse($"{DeviceText.Quote(typed)} is not a length of time. Give {AcceptedForms}."),
            };

            if (span < _minimum || (!_minimumIncluded && span == _minimum))
            {
                throw Refuse($"{DeviceText.Quote(typed)} ({Describe(span)}) is {(_minimumIncluded ? "shorter than" : "not longer than")} {Describe(_minimum)}."
                    + (TooShortAdvice != null ? " " + TooShortAdvice : ""));
            }

            if (span > _maximum)
            {
                throw Refuse($"{DeviceText.Quote(typed)} ({Describe(span)}) is longer than the {Describe(_maximum)} this parameter allows.");
            }

            return span;
        }

        /// <summary>Reads a typed length of time; throws a parameter error quoting it.</summary>
        internal static TimeSpan Parse(string text)
        {
            string trimmed = text.Trim();
            Match match = WithUnit.Match(trimmed);
            if (match.Success)
            {
                double number = double.Parse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                double seconds = match.Groups["unit"].Value.ToLowerInvariant() switch
                {
                    "ms" => number / 1000,
                    "m" or "min" => number * 60,
                    "h" => number * 3600,
                    "d" => number * 86400,
                    _ => number,
                };
                return FromSeconds(seconds, text);
            }

            if (trimmed.IndexOf(':') > 0 && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan span))
            {
                return span;
            }

            throw Refuse($"{DeviceText.Quote(text)} is not a length of time. Give {AcceptedForms}.");
        }

        private static TimeSpan FromSeconds(double seconds, string typed)
        {
            if (double.IsNaN(seconds) || seconds < 0)
            {
                throw Refuse($"{DeviceText.Quote(typed)} is not a length of time: it must be a number of seconds of 0 or more.");
            }

            // TimeSpan holds about 29 000 years; anything longer is no length of time a command can use.
            if (seconds >= TimeSpan.MaxValue.TotalSeconds)
            {
                throw Refuse($"{DeviceText.Quote(typed)} seconds is longer than any length of time this parameter allows.");
            }

            return TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }

        /// <summary>"10 s", "1.5 min", "2 h", "50 days": a length of time for a message.</summary>
        internal static string Describe(TimeSpan span)
        {
            var c = CultureInfo.InvariantCulture;
            if (span == TimeSpan.MaxValue)
            {
                return "no limit";
            }

            if (span.TotalSeconds < 120)
            {
                return span.TotalSeconds.ToString("0.###", c) + " s";
            }

            if (span.TotalMinutes < 120)
            {
                return span.TotalMinutes.ToString("0.##", c) + " min";
            }

            if (span.TotalHours < 48)
            {
                return span.TotalHours.ToString("0.##", c) + " h";
            }

            return span.TotalDays.ToString("0.##", c) + " days";
        }

        private static ArgumentTransformationMetadataException Refuse(string message) =>
            new ArgumentTransformationMetadataException(DeviceText.Printable(message, int.MaxValue));
    }
}
