package genesyslake.local.aws;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Ensures DuckDB type names map to the Glue types a crawler infers and to string-typed DuckDB reads. */
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
}
