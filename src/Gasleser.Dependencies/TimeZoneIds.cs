using System;
using System.Collections.Generic;
using System.Linq;
using TimeZoneConverter;

namespace Gasleser.Dependencies
{
    /// <summary>
    /// Time zones by IANA id ("Europe/Berlin") or Windows id ("W. Europe Standard Time") on every platform, through
    /// TimeZoneConverter's mapping table: Windows PowerShell 5.1 (.NET Framework) knows only Windows ids.
    /// </summary>
    public static class TimeZoneIds
    {
        /// <summary>The zone <paramref name="id"/> names, or null when neither the mapping nor this machine knows it.</summary>
        public static TimeZoneInfo? Find(string id)
        {
            try
            {
                return TZConvert.TryGetTimeZoneInfo(id, out TimeZoneInfo? found) ? found : null;
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException || ex is InvalidTimeZoneException || ex is ArgumentException)
            {
                return null; // a name the mapping knows but this machine lacks: not found
            }
        }

        /// <summary>Every IANA and Windows id the mapping knows, each once.</summary>
        public static IEnumerable<string> Known() =>
            TZConvert.KnownIanaTimeZoneNames.Concat(TZConvert.KnownWindowsTimeZoneIds).Distinct(StringComparer.OrdinalIgnoreCase);
    }
}
