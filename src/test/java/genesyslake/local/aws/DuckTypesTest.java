package genesyslake.local.aws;

import genesyslake.testsupport.UnitTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ensures DuckDB type names map to the Glue types a crawler infers and to string-typed DuckDB reads. */
@UnitTest
class DuckTypesTest {

    @Test
    void scalarsMapToGlueTypes() {
        assertEquals("bigint", DuckTypes.glue(DuckTypes.parse("BIGINT")));
        assertEquals("double", DuckTypes.glue(DuckTypes.parse("DOUBLE")));
        assertEquals("boolean", DuckTypes.glue(DuckTypes.parse("BOOLEAN")));
        assertEquals("string", DuckTypes.glue(DuckTypes.parse("TIMESTAMP WITH TIME ZONE")));
        assertEquals("string", DuckTypes.glue(DuckTypes.parse("DATE")));
        assertEquals("double", DuckTypes.glue(DuckTypes.parse("DECIMAL(18,3)")));
    }

    @Test
    void nestedTypesKeepTheirShape() {
        DuckTypes.Type t = DuckTypes.parse(
                "STRUCT(\"a b\" VARCHAR, x STRUCT(y TIMESTAMP WITH TIME ZONE, z BIGINT[])[], m MAP(VARCHAR, DATE))[]");
        assertEquals("array<struct<a b:string,x:array<struct<y:string,z:array<bigint>>>,m:map<string,string>>>",
                DuckTypes.glue(t));
        assertEquals("STRUCT(\"a b\" VARCHAR, \"x\" STRUCT(\"y\" VARCHAR, \"z\" BIGINT[])[], "
                + "\"m\" MAP(VARCHAR, VARCHAR))[]", DuckTypes.stringly(t));
    }

    @Test
    void parquetTypesKeepWhatParquetStores() {
        assertEquals("timestamp", DuckTypes.glueParquet(DuckTypes.parse("TIMESTAMP WITH TIME ZONE")));
        assertEquals("timestamp", DuckTypes.glueParquet(DuckTypes.parse("TIMESTAMP")));
        assertEquals("bigint", DuckTypes.glueParquet(DuckTypes.parse("BIGINT")));
        assertEquals("int", DuckTypes.glueParquet(DuckTypes.parse("INTEGER")));
        assertEquals("float", DuckTypes.glueParquet(DuckTypes.parse("FLOAT")));
        assertEquals("date", DuckTypes.glueParquet(DuckTypes.parse("DATE")));
        assertEquals("decimal(18,3)", DuckTypes.glueParquet(DuckTypes.parse("DECIMAL(18,3)")));
        assertEquals("binary", DuckTypes.glueParquet(DuckTypes.parse("BLOB")));
        assertEquals("string", DuckTypes.glueParquet(DuckTypes.parse("VARCHAR")));
        assertEquals("array<struct<t:timestamp,n:bigint>>",
                DuckTypes.glueParquet(DuckTypes.parse("STRUCT(t TIMESTAMP WITH TIME ZONE, n BIGINT)[]")));
    }
}
