#Requires -Version 7.4
<#
    Logging as a user does it, in a real pwsh against the device simulator on 127.0.0.1: the recipes of
    help and about_Gasleser, Export-Csv logs carried on, and the culture round trip.
        dotnet pwsh tests/Invoke-PesterSuite.ps1 -Path tests/Logging.Tests.ps1
    Real clock: one watch of two polls, so the file takes about 20 seconds. Only loopback is contacted.
#>

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'Pester/TestSupport.psm1') -Force
    Import-Module (Get-GasleserManifest) -Force
    Use-TestPrivateFolder

    $Device = "127.0.0.1:$(Get-FreePort)"
    $Simulator = Start-GasleserSimulator -LogFolder $TestDrive -Device $Device

    function New-Reading([int] $Minute, [double] $Total = 12345.8) {
        [Gasleser.GasleserReading]@{
            ComputerName = '127.0.0.1:8080'; DeviceId = 'GAS_1'; TotalConsumption = $Total
            Timestamp = [datetimeoffset]::Now.Date.AddDays(-1).AddMinutes($Minute)
        }
    }
}

AfterAll {
    $Simulator | Stop-GasleserSimulator
    Remove-Module Gasleser -ErrorAction SilentlyContinue
}

Describe 'Export-GasleserLog' {
    It 'logs a watch row by row: the file holds each reading while the watch goes on' {
        $path = Join-Path $TestDrive 'watch.csv'
        $rowsSeen = Watch-GasleserReading $Device -Count 2 | Export-GasleserLog $path -PassThru |
            ForEach-Object { (Get-Content $path).Count }

        $rowsSeen | Should -Be @(2, 3)
        $back = Import-GasleserLog $path
        $back | Should -HaveCount 2
        $back[0] | Should -BeOfType [Gasleser.GasleserReading]
        $back[1].ConsumptionDelta | Should -Not -BeNullOrEmpty
    }

    It 'carries on a log started by Export-Csv -NoTypeInformation, and refuses a file with other columns' {
        $path = Join-Path $TestDrive 'started.csv'
        New-Reading 0 | Export-Csv -NoTypeInformation $path
        New-Reading 15 12346 | Export-GasleserLog $path
        (Import-GasleserLog $path).TotalConsumption | Should -Be @(12345.8, 12346)

        $other = Join-Path $TestDrive 'other.csv'
        Get-Process -Id $PID | Select-Object Name, Id | Export-Csv -NoTypeInformation $other
        $before = Get-Content $other -Raw
        New-Reading 30 | Export-GasleserLog $other -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused.FullyQualifiedErrorId | Should -BeLike 'Gasleser.LogFileError*'
        Get-Content $other -Raw | Should -Be $before
    }

    It 'writes times in this computer''s offset and reads a de-DE Export-Csv log right in en-US' {
        $path = Join-Path $TestDrive 'de.csv'
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            New-Reading 60 12346.05 | Export-Csv -UseCulture -NoTypeInformation $path
            [cultureinfo]::CurrentCulture = 'en-US'
            $back = Import-GasleserLog $path
        }
        finally { [cultureinfo]::CurrentCulture = $culture }

        $back.TotalConsumption | Should -Be 12346.05
        $back.Timestamp | Should -Be (New-Reading 60).Timestamp
    }

    It 'rotates by the reading''s own month' {
        $pattern = Join-Path $TestDrive 'gas-{0:yyyy-MM}.csv'
        $end = [datetimeoffset]::new(2026, 10, 31, 23, 59, 0, [datetimeoffset]::Now.Offset)
        0..1 | ForEach-Object { $r = New-Reading 0; $r.Timestamp = $end.AddMinutes($_); $r } | Export-GasleserLog $pattern

        Join-Path $TestDrive 'gas-2026-10.csv' | Should -Exist
        Join-Path $TestDrive 'gas-2026-11.csv' | Should -Exist
        Import-GasleserLog (Join-Path $TestDrive 'gas-2026-*.csv') | Should -HaveCount 2
    }
}

Describe 'Import-GasleserLog and Measure-GasleserUsage' {
    It 'names the file and line of a bad row and reads the rest; Measure is not stopped by it' {
        $path = Join-Path $TestDrive 'mixed.csv'
        New-Reading 0 | Export-GasleserLog $path
        Add-Content $path '"127.0.0.1:8080","GAS_1","1970-01-01T00:08:43+00:00","1","","","","","","","False"'
        New-Reading (24 * 60) 12346.8 | Export-GasleserLog $path

        $readings = Import-GasleserLog $path -ErrorVariable bad -ErrorAction SilentlyContinue
        $readings | Should -HaveCount 2
        $bad.FullyQualifiedErrorId | Should -BeLike 'Gasleser.InvalidReading*'
        $bad.Exception.Message | Should -BeLike "*mixed.csv, line 3*"

        $days = $readings | Measure-GasleserUsage -Per Day
        ($days | Measure-Object Consumption -Sum).Sum | Should -BeGreaterThan 0.99
        $days.Count | Should -BeLessThan 4
    }
}
