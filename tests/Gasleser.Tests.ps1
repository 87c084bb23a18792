#Requires -Version 7.4
#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
<#
    The user-level scenarios, as a user types them, against the device simulator on 127.0.0.1.
    Run by the test command (dotnet pwsh ./build.ps1 -Test), or alone after a build:
        dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/Gasleser.Tests.ps1
    Real clock: the device's 10 s limit is real here, so the file takes about a minute.
    Only loopback is ever contacted.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder

    # One simulated device per port on 127.0.0.1 (the one loopback address every OS has).
    $base = Get-FreePort
    $Port = @{
        Normal        = $base
        OldFirmware   = $base + 1
        Hang          = $base + 2
        MalformedJson = $base + 3
        Busy          = $base + 4
        Html          = $base + 5
        Watched       = $base + 6
        Found         = $base + 7
        Nothing       = $base + 9   # nobody listens here
    }
    $Simulator = Start-GasleserSimulator -LogFolder $TestDrive -Device @(
        "127.0.0.1:$($Port.Normal)"
        "127.0.0.1:$($Port.OldFirmware)=OldFirmware"
        "127.0.0.1:$($Port.Hang)=Hang"
        "127.0.0.1:$($Port.MalformedJson)=MalformedJson"
        "127.0.0.1:$($Port.Busy)=Busy"
        "127.0.0.1:$($Port.Html)=Html"
        "127.0.0.1:$($Port.Watched)"
        "127.0.0.1:$($Port.Found)"
    )
}

AfterAll {
    $Simulator | Stop-GasleserSimulator
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'Get-GasleserReading' {
    It 'returns a typed reading with the device''s values' {
        $script:First = Get-GasleserReading "127.0.0.1:$($Port.Normal)"

        $First | Should -HaveCount 1
        $First.PSObject.TypeNames[0] | Should -Be 'Gasleser.GasleserReading'
        $First.ComputerName | Should -Be "127.0.0.1:$($Port.Normal)"
        $First.DeviceId | Should -Match '^GAS_\d+$'
        $First.Timestamp | Should -BeOfType [datetimeoffset]
        $First.TotalConsumption | Should -BeOfType [double]
        $First.TotalConsumption | Should -BeGreaterThan 12000
        $First.SignalStrength | Should -Be 84
        $First.Rssi | Should -Be -51
        $First.FromCache | Should -BeFalse
    }

    It 'fails at once with Gasleser.RateLimited under -NoWait within 10 s of the last request' {
        $elapsed = Measure-Command {
            Get-GasleserReading "127.0.0.1:$($Port.Normal)" -NoWait -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }

        $err[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.RateLimited*'
        $elapsed.TotalSeconds | Should -BeLessThan 2
        (@(Get-SimulatorStatus $Simulator $Port.Normal) -join ',') | Should -Be '200'
    }

    It 'answers from the session under -MaxAge without asking the device' {
        $cached = Get-GasleserReading "127.0.0.1:$($Port.Normal)" -MaxAge 00:05:00

        $cached.FromCache | Should -BeTrue
        $cached.TotalConsumption | Should -Be $First.TotalConsumption
        (@(Get-SimulatorStatus $Simulator $Port.Normal) -join ',') | Should -Be '200'
    }

    It 'round-trips through Export-Csv and Import-Csv' {
        $csv = Join-Path $TestDrive 'gas.csv'
        Get-GasleserReading "127.0.0.1:$($Port.Normal)" -MaxAge 00:05:00 | Export-Csv -Path $csv -NoTypeInformation
        Get-GasleserReading "127.0.0.1:$($Port.Normal)" -MaxAge 00:05:00 | Export-Csv -Path $csv -NoTypeInformation -Append

        $rows = Import-Csv $csv
        $rows | Should -HaveCount 2
        ($rows[0].PSObject.Properties.Name -join ',') |
            Should -Be 'ComputerName,DeviceId,Timestamp,TotalConsumption,CurrentFlowRate,ConsumptionDelta,AverageFlowRate,PulseCount,SignalStrength,Rssi,FromCache'
        # The module's converter reads the row back whatever culture wrote it.
        $back = [Gasleser.GasleserReading]$rows[0]
        $back.TotalConsumption | Should -Be $First.TotalConsumption
        $back.Timestamp | Should -Be $First.Timestamp
        $back.DeviceId | Should -Be $First.DeviceId
    }

    It 'shows a table with units in the headers' {
        $text = Get-GasleserReading "127.0.0.1:$($Port.Normal)" -MaxAge 00:05:00 | Format-Table | Out-String

        $text | Should -Match 'Total \(m³\)'
        $text | Should -Match 'Flow \(m³/h\)'
        $text | Should -Match ([regex]::Escape($First.DeviceId))
    }

    It 'binds addresses by property name, as from Import-Csv' {
        $row = [pscustomobject]@{ IPAddress = '127.0.0.1'; Port = $Port.Normal }

        ($row | Get-GasleserReading -MaxAge 00:05:00).DeviceId | Should -Be $First.DeviceId
    }
}

Describe 'Errors' {
    It 'reports <Id> for <Case> as a non-terminating error with the address as target' -TestCases @(
        @{ Case = 'old firmware (404)';     Address = { "127.0.0.1:$($Port.OldFirmware)" };   Id = 'Gasleser.FirmwareUnsupported' }
        @{ Case = 'a device that hangs';    Address = { "127.0.0.1:$($Port.Hang)" };          Id = 'Gasleser.Timeout' }
        @{ Case = 'malformed JSON';         Address = { "127.0.0.1:$($Port.MalformedJson)" }; Id = 'Gasleser.InvalidResponse' }
        @{ Case = 'an HTML page';           Address = { "127.0.0.1:$($Port.Html)" };          Id = 'Gasleser.InvalidResponse' }
        @{ Case = 'nothing listening';      Address = { "127.0.0.1:$($Port.Nothing)" };       Id = 'Gasleser.Unreachable' }
        @{ Case = 'a bad address';          Address = { 'banana!' };                          Id = 'Gasleser.InvalidAddress' }
    ) {
        $target = & $Address

        $out = Get-GasleserReading $target -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].TargetObject | Should -Be $target
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'reports Gasleser.RateLimited for a device that stays busy, after waiting out its retries' -Tag Slow {
        Get-GasleserReading "127.0.0.1:$($Port.Busy)" -ErrorVariable err -ErrorAction SilentlyContinue

        $err[0].FullyQualifiedErrorId | Should -BeLike 'Gasleser.RateLimited,*'
        (@(Get-SimulatorStatus $Simulator $Port.Busy) -join ',') | Should -Be '429,429,429'
    }

    It 'makes a device error catchable by its type with -ErrorAction Stop' {
        { Get-GasleserReading "127.0.0.1:$($Port.OldFirmware)" -ErrorAction Stop } |
            Should -Throw -ExceptionType ([Gasleser.GasleserFirmwareUnsupportedException])
    }
}

Describe 'Watch-GasleserReading' {
    It 'gives two readings one default interval apart with -Count 2, the second with what was used' {
        $elapsed = Measure-Command {
            $script:Watched = @(Watch-GasleserReading "127.0.0.1:$($Port.Watched)" -Count 2)
        }

        $Watched | Should -HaveCount 2
        $Watched[0].ConsumptionDelta | Should -BeNullOrEmpty
        $Watched[1].ConsumptionDelta | Should -Not -BeNullOrEmpty
        $Watched[1].ConsumptionDelta | Should -BeGreaterOrEqual 0
        ($Watched[1].Timestamp - $Watched[0].Timestamp).TotalSeconds | Should -BeGreaterOrEqual 11
        $elapsed.TotalSeconds | Should -BeGreaterOrEqual 11.5
        (@(Get-SimulatorStatus $Simulator $Port.Watched) -join ',') | Should -Be '200,200'
    }

    It 'rejects an interval under the device''s 10 s limit' {
        { Watch-GasleserReading "127.0.0.1:$($Port.Watched)" -Interval 00:00:05 -Count 1 } | Should -Throw '*10*'
    }
}

Describe 'Find-Gasleser' {
    It 'finds the simulated device by sweep, and Get-GasleserReading reads it without a 429' {
        $found = Find-Gasleser -Subnet 127.0.0.1 -Port $Port.Found -Method Sweep

        $found | Should -HaveCount 1
        $found.Status | Should -Be 'Online'
        $found.DiscoveredBy | Should -Be 'Sweep'

        $reading = $found | Get-GasleserReading
        $reading.DeviceId | Should -Be $found.DeviceId
        Get-SimulatorStatus $Simulator $Port.Found | Should -Not -Contain 429
        (Get-GasleserSession "127.0.0.1:$($Port.Found)").RateLimitedAnswers | Should -Be 0
    }

    It 'refuses a sweep of more than 4096 addresses without -Force, before any probe' {
        { Find-Gasleser -Subnet 127.0.0.0/16 -Method Sweep -ErrorAction Stop } | Should -Throw -ErrorId 'Gasleser.InvalidAddress,*'
    }
}

Describe 'Measure-GasleserUsage' {
    It 'turns the watch''s readings into one row with the m³ used and the kWh of a German bill' {
        $usage = $Watched | Measure-GasleserUsage -Per Day -CalorificValue 11.2 -ConversionFactor 0.9537

        $usage | Should -Not -BeNullOrEmpty
        ($usage | Measure-Object Consumption -Sum).Sum |
            Should -BeLessOrEqual ($Watched[1].TotalConsumption - $Watched[0].TotalConsumption + 1e-9)
        [math]::Abs($usage[0].Energy - $usage[0].Consumption * 0.9537 * 11.2) | Should -BeLessThan 1e-5
    }
}

Describe 'Help' {
    It 'has a synopsis and at least three examples for every cmdlet' {
        $cmdlets = Get-Command -Module Gasleser -CommandType Cmdlet
        $cmdlets | Should -Not -BeNullOrEmpty
        foreach ($cmdlet in $cmdlets) {
            $help = Get-Help $cmdlet.Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $cmdlet.Name
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3 -Because $cmdlet.Name
        }
    }

    It 'has the about_Gasleser topic' {
        Get-Help about_Gasleser | Out-String | Should -Match '10 seconds'
    }
}
